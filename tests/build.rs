//! Generates a client from every schema-example and every test-only schema (`schemas/`) into
//! OUT_DIR, so that building the tests proves the generated code compiles; and one from every
//! hostile schema the validator accepts (see hostile_schemas.rs), for `tests/hostile_names.rs`.
mod hostile_schemas;

use std::fmt::Write as _;
use std::path::Path;

/// How many schemas the seeded generator draws, besides the fixed regressions.
const DRAWN_SCHEMAS: usize = 40;

fn main() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=hostile_schemas.rs");
    for root in [
        manifest.join("../schema-examples"),
        manifest.join("schemas"),
    ] {
        generate_all(&root, &out);
    }
    hostile(&out.join("hostile"));
}

/// Generates the client of every schema in `root` into `out`, named after the schema's file.
fn generate_all(root: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries: Vec<_> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("reading {}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "prisma"))
        .collect();
    entries.sort();
    for path in entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        if let Err(e) = quarry_codegen::generate(&path, out.join(format!("{stem}.rs"))) {
            panic!("generating {}: {e}", path.display());
        }
    }
}

/// Writes each hostile schema and, when it is valid, its client; then `hostile.rs`, with one
/// module per client and the names of the schemas the validator refused.
fn hostile(dir: &Path) {
    std::fs::create_dir_all(dir).expect("OUT_DIR is writable");
    let mut modules = String::new();
    let mut refused = Vec::new();
    for schema in hostile_schemas::hostile_schemas(DRAWN_SCHEMAS) {
        let path = dir.join(format!("{}.prisma", schema.name));
        std::fs::write(&path, &schema.text).expect("OUT_DIR is writable");
        let client = dir.join(format!("{}.rs", schema.name));
        match quarry_codegen::generate(&path, &client) {
            Ok(()) => {
                let _ = writeln!(
                    modules,
                    "pub mod {} {{ include!({:?}); }}",
                    schema.name,
                    client.display().to_string()
                );
            }
            Err(quarry_codegen::GenerateError::Invalid(_)) => refused.push(schema.name),
            Err(e) => panic!("generating {}: {e}", path.display()),
        }
    }
    let _ = writeln!(modules, "pub const REFUSED: &[&str] = &{refused:?};");
    std::fs::write(dir.join("clients.rs"), modules).expect("OUT_DIR is writable");
}
