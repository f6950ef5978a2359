//! Validating and formatting generated schemas of growing size. Time per element should stay
//! flat as the size grows: any check that rescans the schema per field, value or relation shows
//! up here as time growing with the square of the size.
//!
//! `cargo bench -p quarry-schema --bench schema`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use quarry_schema::format::format_schema;
use quarry_schema::{validate, SourceMap};

const HEADER: &str = "datasource db {\n  provider = \"postgresql\"\n}\n\n";

/// One model with `n` fields, every tenth unique, and an index per ten fields.
fn wide_model(n: usize) -> String {
    let mut s = format!("{HEADER}model Wide {{\n  id Int @id\n");
    for i in 0..n {
        let unique = if i % 10 == 0 { " @unique" } else { "" };
        s.push_str(&format!("  f{i} Int @map(\"c{i}\"){unique}\n"));
    }
    for i in (1..n).step_by(10) {
        s.push_str(&format!("  @@index([f{i}])\n"));
    }
    s.push_str("}\n");
    s
}

/// One enum with `n` values.
fn wide_enum(n: usize) -> String {
    let values: String = (0..n).map(|i| format!("  V{i}\n")).collect();
    format!("{HEADER}enum Wide {{\n{values}}}\n")
}

/// `n` models, each with a relation to a hub model that has no back-relation fields (the
/// formatter adds them) and a self-relation.
fn many_models(n: usize) -> String {
    let mut s = format!("{HEADER}model Hub {{\n  id Int @id\n}}\n");
    for i in 0..n {
        s.push_str(&format!(
            "\nmodel M{i} {{\n  id       Int   @id @default(autoincrement())\n  name     String @unique\n  hubId    Int\n  hub      Hub   @relation(fields: [hubId], references: [id])\n  parentId Int?\n  parent   M{i}?  @relation(\"Tree{i}\", fields: [parentId], references: [id])\n  children M{i}[] @relation(\"Tree{i}\")\n\n  @@index([hubId])\n}}\n"
        ));
    }
    s
}

/// A benchmark group: its name, the schema generator and the sizes to generate.
type Shape = (&'static str, fn(usize) -> String, &'static [usize]);

fn bench(c: &mut Criterion) {
    let shapes: [Shape; 3] = [
        ("wide_model", wide_model, &[10_000, 40_000]),
        ("wide_enum", wide_enum, &[20_000, 80_000]),
        ("many_models", many_models, &[1_000, 4_000]),
    ];
    for (name, generate, sizes) in shapes {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        for &n in sizes {
            let text = generate(n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new("validate", n), &text, |b, text| {
                b.iter(|| validate(&SourceMap::single("schema.prisma", text.as_str())))
            });
            group.bench_with_input(BenchmarkId::new("format", n), &text, |b, text| {
                b.iter(|| format_schema(text))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
