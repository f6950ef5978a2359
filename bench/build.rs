//! Generates the Quarry client of `schema.prisma` into OUT_DIR (`src/lib.rs` includes it).
fn main() {
    println!("cargo:rerun-if-changed=schema.prisma");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    if let Err(e) = quarry_codegen::generate("schema.prisma", out.join("field.rs")) {
        panic!("generating the client of bench/schema.prisma: {e}");
    }
}
