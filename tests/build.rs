//! Generates a client from every schema-example into OUT_DIR, so that building the tests
//! proves the generated code compiles.
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema-examples");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries: Vec<_> = std::fs::read_dir(&root)
        .expect("schema-examples/ exists")
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
