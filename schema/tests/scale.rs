//! Large schemas: validation and formatting finish and stay correct at sizes where work per
//! field that grows with the schema would not finish (the benchmark in `benches/` times them).

use quarry_schema::format::format_schema;
use quarry_schema::{validate, SourceMap};

const HEADER: &str = "datasource db {\n  provider = \"postgresql\"\n}\n\n";

/// The errors of a schema, one `line: message` each.
fn errors(schema: &str) -> Vec<String> {
    let sources = SourceMap::single("schema.prisma", schema);
    let result = validate(&sources);
    result
        .diagnostics
        .errors()
        .map(|d| {
            let line = schema[..d.span.start].matches('\n').count() + 1;
            format!("{line}: {}", d.message)
        })
        .collect()
}

#[test]
fn a_model_with_100_000_fields() {
    // Every tenth field is unique, so that indexes scale too.
    let fields: String = (0..100_000)
        .map(|i| format!("  f{i} Int{}\n", if i % 10 == 0 { " @unique" } else { "" }))
        .collect();
    let schema = format!("{HEADER}model Big {{\n  id Int @id\n{fields}  f7 String\n}}\n");
    // The duplicate is the last field: line 4 (header) + 2 + 100,000 + 1.
    assert_eq!(
        errors(&schema),
        ["100007: Field \"f7\" is already defined on model \"Big\"."]
    );
}

#[test]
fn an_enum_with_100_000_values() {
    let values: String = (0..100_000).map(|i| format!("  V{i}\n")).collect();
    let schema = format!("{HEADER}enum Big {{\n{values}  V99999\n}}\n");
    assert_eq!(
        errors(&schema),
        ["100006: Value \"V99999\" is already defined on enum \"Big\"."]
    );
}

#[test]
fn many_relations_and_indexes_format_and_validate() {
    let n = 5_000;
    let mut schema = String::from(HEADER);
    schema.push_str("model Hub {\n  id Int @id\n");
    for i in 0..n {
        schema.push_str(&format!(
            "  t{i}Id Int\n  t{i} T{i} @relation(fields: [t{i}Id], references: [id])\n"
        ));
    }
    for i in 0..n {
        schema.push_str(&format!("  @@index([t{i}Id])\n"));
    }
    schema.push_str("}\n");
    for i in 0..n {
        schema.push_str(&format!("\nmodel T{i} {{\n  id Int @id\n}}\n"));
    }
    // Every back-relation field is missing: the formatter adds one to each model.
    assert_eq!(errors(&schema).len(), n);
    let formatted = format_schema(&schema).expect("parses");
    assert_eq!(formatted.matches(" Hub[]\n").count(), n);
    assert_eq!(errors(&formatted), Vec::<String>::new());
    assert_eq!(format_schema(&formatted).expect("parses"), formatted);
}
