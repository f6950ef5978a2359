//! The DDL Quarry writes for every schema example, from an empty database, in every dialect the
//! example validates for. For SQLite and PostgreSQL it must be byte-for-byte what Prisma Migrate
//! writes (`tests/fixtures/prisma/*.sql`, recorded from the Prisma 7 oracle).

mod common;

use quarry_migrate::{calculate_for, diff, render_script, DatabaseSchema, Dialect};

#[test]
fn ddl_from_empty_matches_prisma_and_snapshots() {
    let mut compared = 0;
    for dialect in Dialect::ALL {
        for (name, schema) in common::examples_for(dialect) {
            let target = calculate_for(&schema, dialect);
            let sql = render_script(&diff(&DatabaseSchema::empty(dialect), &target));
            if let Some(prisma) = common::prisma_fixture(&name, dialect) {
                // The oracle's CLI prints the script with one more newline.
                assert_eq!(
                    format!("{sql}\n"),
                    prisma,
                    "{name} on {dialect}: Quarry's DDL differs from Prisma's"
                );
                compared += 1;
            }
            insta::assert_snapshot!(format!("{name}.{}", dialect.provider()), sql);
        }
    }
    assert!(
        compared >= 10,
        "only {compared} examples compared with Prisma"
    );
}
